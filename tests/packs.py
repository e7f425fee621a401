"""A test rule pack shared by the waiver, baseline, config and pre-commit tests: a rule of
the project's own `rules/`, so those tests exercise their feature whatever the built-in
rules become. Processors in India fail it."""

INDIA_PACK = """\
- id: XT001
  name: Processors keep personal data out of India (a test rule)
  area: transfers
  severity: high
  articles: ["Art. 44"]
  loop: inventory.processors
  that: ["'IN' not in item.countries"]
  fail_msg: "{{ item.name }} keeps data in India"
  tags: [test]
"""
