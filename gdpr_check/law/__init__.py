"""GDPR knowledge the rules rely on, apart from the expression plumbing of `expr/`.

One module per topic, named for the law it encodes (which rights follow from which lawful
basis, where special-category and criminal data are processed, ...). Each function is plain:
it takes model objects and returns facts, cites its article in the docstring, and knows
nothing of Jinja or the engine. `expr/helpers.py` exposes them to rules.
"""
