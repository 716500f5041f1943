"""pyhelmfile's native diff (no helm-diff plugin): pure Python, no helm or cluster calls.

- manifest.py: helm manifest streams into keyed, normalised resources (parse_manifests);
- redact.py: Secret values replaced by helm-diff's placeholders;
- compare.py: a release's old and new manifests into a ReleaseDiff (compare, compare_values);
- render.py: helm-diff's text, JSON and Markdown renderings (render_text, render_json, ...).
"""
