"""A test rule pack (and a project using it) shared by the waiver, baseline, config and pre-commit tests: a rule of
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


def project_with_pack(folder, violations, pack: str = INDIA_PACK):
    """The compliant base project patched with `violations`, with `pack` as its own
    `rules/test.yaml`."""
    from .rules.harness import write_project
    project = write_project(folder, violations)
    (project / "rules").mkdir(exist_ok=True)
    (project / "rules" / "test.yaml").write_text(pack)
    return project
