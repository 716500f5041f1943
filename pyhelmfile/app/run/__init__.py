"""The run machinery commands share: options, selection and plan, preparation, helm arguments, comparison, execution."""
