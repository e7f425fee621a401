"""Fides manifests (fideslang) <-> `inventory/` and a policy skeleton (issue 12).

The mapping, documented with its reasons in docs/imports.md:
- a fideslang system -> a system (`fides_key` -> `id`, `administrating_department` ->
  `owner`); its privacy declarations' data uses -> `purposes`, data subjects ->
  `data_subjects`, personal data categories (`user.*`) -> `data_categories`, plus the
  `user.*` categories of the datasets it references;
- `egress`/`ingress` between systems -> flows (`<from>-to-<to>`); to or from `user` -> a flow
  to or from `data_subject`;
- data uses, categories and subjects -> the notice's purposes, categories and subjects, with
  the same ids (fides keys are valid ids here) and fideslang's default names;
  `legal_basis_for_processing` -> `lawful_basis`, `special_category_legal_basis` ->
  `special_condition`; categories under the Art. 9 and Art. 10 keys -> `special`/`criminal`;
- the organisation -> `controller` (only with a country: fideslang has no country field).

Whatever has no place in this project's model is listed in `Plan.unmapped`, never dropped
silently. Export goes the other way and is validated by fideslang's own models before
anything is written.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..load.files import display_path, read_tree, yaml_files
from ..load.tree import LocDict
from ..load.validate import validate
from . import writer

LEGAL_BASIS = {  # fideslang LegalBasisForProcessingEnum -> Art. 6(1)
    "Consent": "consent", "Contract": "contract", "Legal obligations": "legal_obligation",
    "Vital interests": "vital_interests", "Public interest": "public_task",
    "Legitimate interests": "legitimate_interests",
}
SPECIAL_BASIS = {  # fideslang SpecialCategoryLegalBasisEnum -> Art. 9(2)
    "Explicit consent": "explicit_consent",
    "Employment, social security and social protection": "employment_social_security",
    "Vital interests": "vital_interests", "Not-for-profit bodies": "nonprofit_body",
    "Made public by the data subject": "made_public",
    "Legal claims or judicial acts": "legal_claims",
    "Reasons of substantial public interest (with a basis in law)":
        "substantial_public_interest",
    "Health or social care (with a basis in law)": "health_care",
    "Public health (with a basis in law)": "public_health",
    "Archiving, research and statistics (with a basis in law)": "archiving_research",
}
# Art. 9(1) special categories and Art. 10 criminal data, by fideslang category key prefix.
SPECIAL_PREFIXES = ("user.biometric", "user.authorization.biometric", "user.health_and_medical",
                    "user.demographic.political_opinion", "user.demographic.race_ethnicity",
                    "user.demographic.religious_belief", "user.demographic.sexual_orientation")
CRIMINAL_PREFIXES = ("user.criminal_history",)
MARKETING_PREFIX = "marketing."
PROFILING_WORDS = ("targeted", "personalize", "profiling")
RESOURCES = {"organization": "Organization", "system": "System", "dataset": "Dataset",
             "data_category": "DataCategory", "data_use": "DataUse",
             "data_subject": "DataSubject"}
IGNORED = {"policy": "fides policies (their rules are Fides's own checks, not records)",
           "evaluation": "fides evaluations", "registry": "fides registries"}
TARGETS = ("inventory/fides.yaml", "policy/fides.yaml")


def _fideslang():
    try:
        from fideslang import models
    except ImportError:
        raise InputError("importing and exporting Fides manifests needs fideslang: "
                         "pip install 'gdpr-check[import]'") from None
    return models


# --- reading ------------------------------------------------------------------------------

def read_manifests(folder: Path, root: Path) -> dict[str, list]:
    """{resource type: [(validated fideslang model, located tree)]} of every manifest."""
    models = _fideslang()
    files = [folder] if folder.is_file() else yaml_files(folder)
    if not files:
        raise InputError(f"{folder}: no Fides manifests (.yml or .yaml files) here")
    found: dict[str, list] = {kind: [] for kind in (*RESOURCES, *IGNORED)}
    for path in files:
        tree, shown = read_tree(path, root)
        if not isinstance(tree, LocDict):
            raise InputError("expected a Fides manifest: a mapping of resource types "
                             f"({', '.join(RESOURCES)}) to lists", shown, 1, 1)
        for kind, items in tree.items():
            if kind not in found:
                raise InputError(f"'{kind}' is not a Fides resource type; expected one of "
                                 f"{', '.join(sorted(found))}", *tree.key_locs[kind])
            if not isinstance(items, list):
                raise InputError(f"{kind}: expected a list of resources",
                                 *tree.key_locs[kind])
            for item in items:
                model = getattr(models, RESOURCES[kind]) if kind in RESOURCES else None
                found[kind].append((validate(model, item, kind) if model else None, item))
    return found


# --- importing -------------------------------------------------------------------------------

def plan_import(folder: Path, root: Path, country: str | None = None) -> writer.Plan:
    """What `gdpr-check import fides FOLDER` would write below `root` (see `writer.apply`)."""
    manifests = read_manifests(folder, root)
    plan = writer.Plan()
    taken = _existing_ids(root)
    names = _names(manifests)
    datasets = {m.fides_key: m for m, _ in manifests["dataset"]}
    for kind in IGNORED:
        if manifests[kind]:
            plan.unmapped.append(f"{len(manifests[kind])} {IGNORED[kind]}: not imported")

    systems, flows, purposes, categories, subjects = [], {}, {}, {}, {}
    for system, tree in manifests["system"]:
        if system.fides_key in taken["systems"]:
            plan.unmapped.append(f"system {system.fides_key}: already in inventory/; not "
                                 "imported again")
            continue
        systems.append(_system(system, datasets, purposes, categories, subjects, plan))
        for flow in _flows(system, plan):
            flows.setdefault(flow["id"], flow)
    policy: dict = {}
    controller = _controller(manifests["organization"], country, taken, plan)
    if controller:
        policy["controller"] = controller
    for key, found, make in (("data_subjects", subjects, _subject),
                             ("data_categories", categories, _category),
                             ("purposes", purposes, _purpose)):
        entries = [make(k, v, names) for k, v in sorted(found.items())
                   if k not in taken[key]]
        if entries:
            policy[key] = entries
    inventory = {"systems": systems}
    if flows:
        inventory["flows"] = [flows[k] for k in sorted(flows)]
    source = f"fides {display_path(folder, root)}"
    plan.add(root / TARGETS[0], writer.generated(source, writer.dump(inventory)), source)
    if policy:
        plan.add(root / TARGETS[1], writer.generated(source, writer.dump(policy)), source)
    return plan


def _system(system, datasets, purposes, categories, subjects, plan) -> dict:
    own_purposes, own_subjects, own_categories = [], [], []
    for number, declaration in enumerate(system.privacy_declarations):
        where = f"system {system.fides_key}, privacy declaration {number + 1}"
        use = declaration.data_use
        _add(own_purposes, use)
        purpose = purposes.setdefault(use, {"bases": [], "special": None, "where": where})
        basis = declaration.legal_basis_for_processing
        if basis is not None:
            _add(purpose["bases"], LEGAL_BASIS[basis.value])
        elif "flexible_legal_basis_for_processing" not in declaration.model_fields_set:
            plan.unmapped.append(f"{where}: no legal_basis_for_processing; purpose {use} "
                                 "is imported without a lawful basis (the rules will say so)")
        special = declaration.special_category_legal_basis
        if special is not None:
            purpose["special"] = SPECIAL_BASIS[special.value]
        for subject in declaration.data_subjects:
            _add(own_subjects, subject)
            subjects[subject] = True
        refs = list(declaration.dataset_references or [])
        keys = list(declaration.data_categories)
        for ref in refs:
            if ref in datasets:
                keys.extend(_dataset_categories(datasets[ref]))
            else:
                plan.unmapped.append(f"{where}: dataset {ref} is not among the manifests; "
                                     "its categories are not imported")
        for key in keys:
            if _personal(key, where, plan):
                _add(own_categories, key)
                categories[key] = True
        if declaration.third_parties or declaration.data_shared_with_third_parties:
            plan.unmapped.append(f"{where}: data shared with third parties "
                                 f"({declaration.third_parties or 'unnamed'}): record them as "
                                 "processors with their DPA and transfer safeguard")
    entry = {"id": system.fides_key, "name": system.name or system.fides_key}
    if system.description:
        entry["description"] = system.description.strip()
    if system.administrating_department:
        entry["owner"] = system.administrating_department
    entry["purposes"] = own_purposes
    entry["data_subjects"] = own_subjects
    entry["data_categories"] = sorted(own_categories)
    return entry


def _add(values: list, value) -> None:
    if value not in values:
        values.append(value)


def _personal(key: str, where: str, plan) -> bool:
    if key.startswith("system"):
        plan.unmapped.append(f"{where}: category {key} is system data, not personal data; "
                             "not imported")
        return False
    if key == "user":
        plan.unmapped.append(f"{where}: category `user` is all user data; imported as one "
                             "category, narrow it to tell whether special categories are "
                             "included (Art. 9)")
    return True


def _dataset_categories(dataset) -> list[str]:
    keys = list(dataset.data_categories or [])

    def fields(items):
        for field in items or []:
            keys.extend(field.data_categories or [])
            fields(getattr(field, "fields", None))
    for collection in dataset.collections:
        keys.extend(collection.data_categories or [])
        fields(collection.fields)
    return sorted(set(keys))


def _flows(system, plan) -> list[dict]:
    result = []
    for direction, links in (("egress", system.egress), ("ingress", system.ingress)):
        for link in links or []:
            if link.type == "dataset":
                plan.unmapped.append(f"system {system.fides_key}: {direction} to dataset "
                                     f"{link.fides_key} is not a flow between systems here; "
                                     "not imported")
                continue
            other = "data_subject" if link.type == "user" else link.fides_key
            source, target = (system.fides_key, other) if direction == "egress" \
                else (other, system.fides_key)
            flow = {"id": f"{source}-to-{target}", "from": source, "to": target}
            if link.data_categories:
                flow["data_categories"] = sorted(link.data_categories)
            result.append(flow)
    return result


def _controller(organisations, country, taken, plan):
    if not organisations:
        return None
    if len(organisations) > 1:
        plan.unmapped.append(f"{len(organisations)} organizations: only the first is the "
                             "controller; the others are not imported")
    org = organisations[0][0]
    if taken["controller"]:
        plan.unmapped.append(f"organization {org.fides_key}: policy/ already has a "
                             "controller; not imported")
        return None
    if country is None:
        plan.unmapped.append(f"organization {org.fides_key}: fideslang records no country, "
                             "which the controller needs; import with --country XX to "
                             "write the controller")
        return None
    controller = {"name": org.name or org.fides_key, "country": country.upper()}
    for key, contact in (("contact", org.controller), ("dpo", org.data_protection_officer),
                         ("representative", org.representative)):
        if contact is not None:
            fields = {f: getattr(contact, f) for f in ("name", "address", "email", "phone")
                      if getattr(contact, f, None)}
            if fields:
                controller[key] = fields
    return controller


def _names(manifests) -> dict[str, str]:
    """fides key -> name: the manifests' own definitions, then fideslang's defaults."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY
    names = {}
    for kind in ("data_category", "data_use", "data_subject"):
        for item in getattr(DEFAULT_TAXONOMY, kind):
            names[item.fides_key] = item.name
        for model, _ in manifests[kind]:
            names[model.fides_key] = model.name or model.fides_key
    return names


def _subject(key, _, names):
    return {"id": key, "name": names.get(key, key)}


def _category(key, _, names):
    entry = {"id": key, "name": names.get(key, key)}
    if key.startswith(SPECIAL_PREFIXES):
        entry["special"] = True
    if key.startswith(CRIMINAL_PREFIXES):
        entry["criminal"] = True
    return entry


def _purpose(key, found, names):
    entry = {"id": key, "name": names.get(key, key)}
    if found["bases"]:
        entry["lawful_basis"] = found["bases"]
    if found["special"]:
        entry["special_condition"] = found["special"]
    if key.startswith(MARKETING_PREFIX):
        entry["direct_marketing"] = True
    if any(word in key for word in PROFILING_WORDS):
        entry["profiling"] = True
    return entry


def _existing_ids(root: Path) -> dict[str, set]:
    """Ids the project's other files already declare (the import must not repeat them)."""
    taken = {"systems": set(), "data_subjects": set(), "data_categories": set(),
             "purposes": set(), "controller": False}
    for side in ("policy", "inventory"):
        for path in yaml_files(root / side):
            if display_path(path, root) in TARGETS:
                continue
            tree, _ = read_tree(path, root)
            if not isinstance(tree, dict):
                continue
            taken["controller"] = taken["controller"] or "controller" in tree
            for key in ("systems", "data_subjects", "data_categories", "purposes"):
                for item in tree.get(key) or []:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        taken[key].add(item["id"])
    return taken


# --- exporting -------------------------------------------------------------------------------

def export(project) -> str:
    """The project as one fideslang manifest, validated by fideslang's models."""
    models = _fideslang()
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY
    policy, inventory = project.policy, project.inventory
    bases = {v: k for k, v in LEGAL_BASIS.items()}
    specials = {v: k for k, v in SPECIAL_BASIS.items()}
    purposes = {p.id: p for p in policy.purposes}
    manifest: dict = {}
    if policy.controller is not None:
        c = policy.controller
        org = {"fides_key": "default_organization", "name": c.name}
        for key, contact in (("controller", c.contact), ("data_protection_officer", c.dpo),
                             ("representative", c.representative)):
            if contact is not None:
                org[key] = {f: getattr(contact, f) for f in ("name", "address", "email",
                                                             "phone") if getattr(contact, f)}
        manifest["organization"] = [org]
    flows_out: dict[str, list] = {}
    for flow in inventory.flows:
        flows_out.setdefault(flow.from_, []).append(flow)
    system_ids = {s.id for s in inventory.systems}
    systems = []
    for system in inventory.systems:
        declarations = []
        for use in system.purposes:
            declaration = {"name": use, "data_use": use,
                           "data_categories": list(system.data_categories),
                           "data_subjects": list(system.data_subjects)}
            purpose = purposes.get(use)
            if purpose is not None and purpose.lawful_basis:
                declaration["legal_basis_for_processing"] = bases[purpose.lawful_basis[0]]
            if purpose is not None and purpose.special_condition:
                declaration["processes_special_category_data"] = True
                declaration["special_category_legal_basis"] = \
                    specials[purpose.special_condition]
            declarations.append(declaration)
        entry = {"fides_key": system.id, "name": system.name or system.id,
                 "description": system.description or "", "system_type": "Service",
                 "privacy_declarations": declarations}
        if system.owner:
            entry["administrating_department"] = system.owner
        egress = sorted({f.to for f in flows_out.get(system.id, []) if f.to in system_ids})
        if egress:
            entry["egress"] = [{"fides_key": k, "type": "system"} for k in egress]
        systems.append(entry)
    manifest["system"] = systems
    default = {kind: {i.fides_key for i in getattr(DEFAULT_TAXONOMY, kind)}
               for kind in ("data_category", "data_use", "data_subject")}
    for kind, items in (("data_category", policy.data_categories),
                        ("data_use", policy.purposes),
                        ("data_subject", policy.data_subjects)):
        own = [{"fides_key": i.id, "name": i.name or i.id,
                **({"description": i.description.strip()} if i.description else {})}
               for i in items if i.id not in default[kind]]
        if own:
            manifest[kind] = own
    try:
        models.Taxonomy.model_validate({k: v for k, v in manifest.items()
                                        if k != "organization"})
        for org in manifest.get("organization", []):
            models.Organization.model_validate(org)
    except Exception as exc:  # pydantic's ValidationError: a bug in this mapping, not input
        raise RuntimeError(f"the exported manifest does not validate: {exc}") from None
    return writer.dump(manifest)
