"""Go semantics that both the template engine (gotmpl) and state loading use: fmt, strconv, type names,
yaml.v2 (goyaml) and Masterminds semver. The lowest layer: it imports nothing else of pyhelmfile."""
