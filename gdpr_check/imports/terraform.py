"""Terraform -> `Resource` records: what runs, where, encrypted, public, and tagged how.

Two inputs (docs/imports.md):
- a plan or state in the `terraform show -json` format: resources under
  `planned_values.root_module` (or `values.root_module` for a state), child modules
  included, with the provider's region from `configuration.provider_config` when the
  resource does not carry its own;
- `.tf` files (HCL2, read by python-hcl2): literal values only — an expression such as
  `var.region` is not evaluated, and the record says the value is unknown rather than
  guessing it.

A resource belongs to a system of `inventory/` through its tag (AWS, Azure) or label
(Google) `gdpr-system: <system id>`; `personal-data: "true"` says it holds personal data.
Regions become countries through `refdata/regions.yaml`; a region missing there is an input
error, never a silent pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..load.files import display_path
from ..load.parser import check_size, decode, parse_bytes

REGIONS_FILE = Path(__file__).parent.parent / "refdata" / "regions.yaml"
SYSTEM_TAG = "gdpr-system"
PERSONAL_TAG = "personal-data"
TRUE_TEXTS = {"true", "yes", "1"}

# type -> (cloud, kind). Only these are read; other resources (IAM, networks) say nothing
# about where personal data is stored.
RESOURCE_TYPES = {
    "aws_s3_bucket": ("aws", "storage"),
    "aws_db_instance": ("aws", "database"),
    "aws_rds_cluster": ("aws", "database"),
    "aws_dynamodb_table": ("aws", "database"),
    "aws_instance": ("aws", "compute"),
    "aws_sqs_queue": ("aws", "queue"),
    "aws_cloudfront_distribution": ("aws", "cdn"),
    "azurerm_storage_account": ("azure", "storage"),
    "azurerm_mssql_server": ("azure", "database"),
    "azurerm_postgresql_flexible_server": ("azure", "database"),
    "azurerm_cosmosdb_account": ("azure", "database"),
    "azurerm_linux_virtual_machine": ("azure", "compute"),
    "azurerm_windows_virtual_machine": ("azure", "compute"),
    "azurerm_servicebus_namespace": ("azure", "queue"),
    "azurerm_cdn_profile": ("azure", "cdn"),
    "google_storage_bucket": ("google", "storage"),
    "google_sql_database_instance": ("google", "database"),
    "google_compute_instance": ("google", "compute"),
    "google_pubsub_topic": ("google", "queue"),
    "google_compute_backend_bucket": ("google", "cdn"),
}
# CDNs serve from edge locations world-wide: they have no storage region to compare.
GLOBAL_KINDS = {"cdn"}
PROVIDER_PREFIX = {"aws": "aws_", "azure": "azurerm_", "google": "google_"}


@dataclass(frozen=True)
class Resource:
    """One infrastructure resource, as far as the inventory cares."""
    address: str               # `module.x.aws_s3_bucket.files`
    type: str
    cloud: str                 # aws | azure | google
    kind: str                  # storage | database | compute | queue | cdn
    region: str | None         # None: global, or not a literal in a .tf file
    country: str | None        # from regions.yaml; None: global, multi-region or unknown
    encrypted: bool | None     # encryption at rest; None: not stated
    public: bool | None        # reachable by anyone; None: not stated
    system: str | None         # the `gdpr-system` tag
    personal: bool             # the `personal-data` tag
    where: str                 # `plan.json:1:200 (/planned_values/...)` or `main.tf:12`

    @property
    def shown(self) -> str:
        return f"{self.address} ({self.where})"


# --- regions ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def regions() -> dict[str, dict[str, str | None]]:
    """{cloud: {region: country or None}} from refdata/regions.yaml."""
    data = parse_bytes(REGIONS_FILE.read_bytes(), str(REGIONS_FILE))
    return {cloud: dict(data[cloud]) for cloud in ("aws", "azure", "google")}


def region_country(cloud: str, region: str, where: str) -> str | None:
    """The country of `region`; an unknown region is an input error at `where`."""
    table = regions()[cloud]
    key = region.lower().replace(" ", "") if cloud == "azure" else region.lower()
    if key not in table and cloud == "google" and re.match(r"^[a-z]+-[a-z]+\d+-[a-z]$", key):
        key = key.rsplit("-", 1)[0]  # a zone: europe-west1-b -> europe-west1
    if key not in table:
        path, line, column, pointer = _split(where)
        raise InputError(f"{pointer + ': ' if pointer else ''}unknown {cloud} region "
                         f"'{region}': not in gdpr_check/refdata/regions.yaml (add it there "
                         "with its country and source)", path, line, column)
    return table[key]


def _split(where: str):
    """`path:line[:col] [(pointer)]` back into path, line, column and JSON pointer."""
    match = re.match(r"^(.*?):(\d+)(?::(\d+))?(?: \((.*)\))?$", where)
    if not match:
        return where, None, None, None
    return match[1], int(match[2]), int(match[3]) if match[3] else None, match[4]


# --- reading sources ------------------------------------------------------------------------

def read_sources(paths, root: Path) -> list[Resource]:
    """Every resource of the given plans, `.tf` files and folders of `.tf` files, sorted."""
    found: list[Resource] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for tf in sorted(path.rglob("*.tf")):
                if not any(p.startswith(".") for p in tf.relative_to(path).parts):
                    found.extend(read_tf(tf, root))
        elif path.suffix == ".tf":
            found.extend(read_tf(path, root))
        elif path.is_file():
            found.extend(read_plan(path, root))
        else:
            raise InputError(f"infrastructure source not found: {path}")
    return sorted(found, key=lambda r: (r.address, r.where))


def _read_text(path: Path, root: Path) -> tuple[str, str]:
    shown = display_path(path, root)
    try:
        check_size(path.stat().st_size, shown)
        return decode(path.read_bytes(), shown), shown
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", shown) from None


def read_plan(path: Path, root: Path) -> list[Resource]:
    """The resources of a `terraform show -json` plan or state."""
    text, shown = _read_text(path, root)
    if not text.lstrip().startswith("{"):
        raise InputError("expected a Terraform plan in the `terraform show -json` format "
                         "(a JSON object)", shown, 1, 1)
    import json
    try:
        json.loads(text)
    except ValueError as exc:
        raise InputError(f"malformed JSON: {getattr(exc, 'msg', exc)}", shown,
                         getattr(exc, "lineno", None), getattr(exc, "colno", None)) from None
    # The project's YAML parser reads JSON too, with duplicate keys refused and positions.
    tree = parse_bytes(text.encode(), shown)
    if not isinstance(tree, dict) or "format_version" not in tree:
        raise InputError("expected a Terraform plan in the `terraform show -json` format "
                         "(no `format_version`)", shown, 1, 1)
    top = "planned_values" if "planned_values" in tree else "values"
    module = (tree.get(top) or {}).get("root_module")
    if not isinstance(module, dict):
        raise InputError(f"expected `{top}.root_module` (a JSON object)", shown,
                         *_pos(tree, shown)[1:])
    provider_regions = _plan_provider_regions(tree)
    found = []
    for resource, pointer in _walk_module(module, f"/{top}/root_module"):
        if not isinstance(resource, dict) or not isinstance(resource.get("type"), str):
            raise InputError(f"{pointer}: expected a resource object with a `type`",
                             *_pos(resource, shown))
        if resource.get("mode", "managed") != "managed" or resource["type"] not in \
                RESOURCE_TYPES:
            continue
        values = resource.get("values")
        if not isinstance(values, dict):
            raise InputError(f"{pointer}/values: expected an object of attribute values",
                             *_pos(resource, shown))
        _, line, column = _pos(resource, shown)
        where = f"{shown}:{line}:{column} ({pointer})"
        provider = str(resource.get("provider_name", "")).rsplit("/", 1)[-1]
        found.append(_resource(str(resource.get("address", resource["type"])),
                               resource["type"], values, where,
                               provider_regions.get(provider)))
    return found


def _pos(node, shown):
    return getattr(node, "loc", None) or (shown, 1, 1)


def _walk_module(module, pointer):
    resources = module.get("resources") or []
    for index, resource in enumerate(resources):
        yield resource, f"{pointer}/resources/{index}"
    for index, child in enumerate(module.get("child_modules") or []):
        if isinstance(child, dict):
            yield from _walk_module(child, f"{pointer}/child_modules/{index}")


def _plan_provider_regions(tree) -> dict[str, str]:
    """{provider name: region} from literal `region` settings of the configuration."""
    result = {}
    config = (tree.get("configuration") or {}).get("provider_config") or {}
    for key, provider in config.items():
        expressions = provider.get("expressions") or {} if isinstance(provider, dict) else {}
        region = (expressions.get("region") or {}).get("constant_value") \
            if isinstance(expressions.get("region"), dict) else None
        if isinstance(region, str):
            result.setdefault(str(provider.get("name", key)), region)
    return result


def read_tf(path: Path, root: Path) -> list[Resource]:
    """The resources of one `.tf` file (literal values only; see the module docstring)."""
    text, shown = _read_text(path, root)
    try:
        import hcl2
    except ImportError:
        raise InputError("reading .tf files needs python-hcl2: pip install "
                         "'gdpr-check[import]'", shown) from None
    try:
        data = hcl2.loads(text)
    except Exception as exc:  # noqa: BLE001 - lark's errors have no common public base
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        first = (str(exc).strip().splitlines() or ["syntax error"])[0]
        raise InputError(f"malformed HCL: {first[:160]}", shown,
                         line if isinstance(line, int) and line > 0 else 1,
                         column if isinstance(column, int) and column > 0 else None) from None
    provider_regions = {}
    for block in data.get("provider", []):
        for name, body in block.items():
            region = _literal(body.get("region")) if isinstance(body, dict) else None
            if region:
                provider_regions.setdefault(_unquote(name), region)
    found = []
    for block in data.get("resource", []):
        for rtype, named in block.items():
            rtype = _unquote(rtype)
            if rtype not in RESOURCE_TYPES or not isinstance(named, dict):
                continue
            for name, body in named.items():
                name = _unquote(name)
                values = _plain(body)
                line = _block_line(text, rtype, name)
                cloud = RESOURCE_TYPES[rtype][0]
                found.append(_resource(f"{rtype}.{name}", rtype, values, f"{shown}:{line}",
                                       provider_regions.get(_provider_key(cloud)),
                                       literal_only=True))
    return found


def _provider_key(cloud: str) -> str:
    return {"aws": "aws", "azure": "azurerm", "google": "google"}[cloud]


def _block_line(text: str, rtype: str, name: str) -> int:
    pattern = re.compile(rf'^[ \t]*resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"', re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _unquote(text):
    if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _literal(value):
    """A literal string value, or None for an expression (`${var.region}`, `var.region`)."""
    value = _unquote(value) if isinstance(value, str) else value
    if isinstance(value, str) and ("${" in value or re.match(r"^[a-z_]+\.[\w.]+$", value)):
        return None
    return value


def _plain(value):
    """python-hcl2's output with quotes taken off, blocks unwrapped, expressions None."""
    if isinstance(value, dict):
        return {_unquote(k): _plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _literal(value)


# --- one resource ---------------------------------------------------------------------------

def _resource(address, rtype, values, where, provider_region, literal_only=False) -> Resource:
    cloud, kind = RESOURCE_TYPES[rtype]
    region = None if kind in GLOBAL_KINDS else _region(cloud, values) or provider_region
    country = region_country(cloud, region, where) if isinstance(region, str) else None
    tags = _tags(cloud, values)
    return Resource(
        address=address, type=rtype, cloud=cloud, kind=kind,
        region=region if isinstance(region, str) else None, country=country,
        encrypted=_encrypted(rtype, values), public=_public(rtype, values),
        system=tags.get(SYSTEM_TAG) or None,
        personal=str(tags.get(PERSONAL_TAG, "")).lower() in TRUE_TEXTS,
        where=where)


def _region(cloud, values):
    if cloud == "aws":
        return values.get("region")
    if cloud == "azure":
        return values.get("location")
    return values.get("location") or values.get("region") or values.get("zone")


def _tags(cloud, values) -> dict:
    tags = values.get("labels" if cloud == "google" else "tags")
    if cloud == "aws" and not tags:
        tags = values.get("tags_all")
    if isinstance(tags, list) and tags and isinstance(tags[0], dict):
        tags = tags[0]
    return {str(k): v for k, v in tags.items()} if isinstance(tags, dict) else {}


def _first(value):
    """A nested block: a list of one object in plans and HCL alike."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


def _encrypted(rtype, values) -> bool | None:
    """Encryption at rest, from the attributes that decide it (docs/imports.md)."""
    if rtype in ("aws_db_instance", "aws_rds_cluster"):
        return _bool(values.get("storage_encrypted"), default=False)  # provider default: off
    if rtype == "aws_instance":
        return _bool(_first(values.get("root_block_device")).get("encrypted"))
    if rtype == "aws_sqs_queue":
        if values.get("kms_master_key_id"):
            return True
        return _bool(values.get("sqs_managed_sse_enabled"))
    if rtype == "azurerm_storage_account":
        return True   # Azure Storage encryption cannot be turned off
    if rtype in ("aws_s3_bucket", "aws_dynamodb_table") or rtype.startswith("google_"):
        # S3 encrypts every new object since 5 January 2023; DynamoDB and Google Cloud
        # encrypt all data at rest, with no switch to turn it off.
        return True
    return None


def _public(rtype, values) -> bool | None:
    if rtype == "aws_s3_bucket":
        acl = values.get("acl")
        return acl in ("public-read", "public-read-write") if acl is not None else None
    if rtype in ("aws_db_instance",):
        return _bool(values.get("publicly_accessible"), default=False)
    if rtype == "azurerm_storage_account":
        nested = values.get("allow_nested_items_to_be_public",
                            values.get("allow_blob_public_access"))
        return _bool(nested)
    if rtype in ("azurerm_mssql_server", "azurerm_postgresql_flexible_server"):
        return _bool(values.get("public_network_access_enabled"))
    if rtype == "google_storage_bucket":
        prevention = values.get("public_access_prevention")
        return False if prevention == "enforced" else None
    if rtype == "google_sql_database_instance":
        ip = _first(_first(values.get("settings")).get("ip_configuration"))
        networks = ip.get("authorized_networks") or []
        open_to_all = any(_first(n).get("value") == "0.0.0.0/0" for n in networks)
        return bool(ip.get("ipv4_enabled")) and open_to_all if ip else None
    return None


def _bool(value, default=None):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


# --- importing into inventory/ ------------------------------------------------------------

CLOUD_PROCESSORS = {"aws": ("aws", "amazon"), "azure": ("azure", "microsoft"),
                    "google": ("google", "gcp")}


def plan_import(sources, root: Path):
    """Update the `hosting` and `security` blocks of the systems the resources are tagged
    with, in the inventory files where those systems are written, keeping every field and
    comment the user wrote. Countries are added, never removed (the infrastructure read may
    be only part of what the system uses)."""
    from ..load import load_project
    from . import writer
    project = load_project(root)
    resources = read_sources(sources, root)
    plan = writer.Plan()
    systems = {s.id: s for s in project.inventory.systems}
    by_system: dict[str, list[Resource]] = {}
    for resource in resources:
        if resource.system in systems:
            by_system.setdefault(resource.system, []).append(resource)
        elif resource.system or resource.personal:
            plan.unmapped.append(f"{resource.shown}: no system of inventory/ is tagged "
                                 f"{resource.system or '(untagged)'}; not imported")
        if resource.country is None and resource.kind not in GLOBAL_KINDS:
            plan.unmapped.append(f"{resource.shown}: region "
                                 f"{resource.region or 'not a literal value'} names no single "
                                 "country; not recorded")
    edits: dict[str, list] = {}
    for system_id in sorted(by_system):
        system = systems[system_id]
        for key, body in _blocks(system, by_system[system_id], project, plan):
            line = system.location[1]
            key_line = system.field_location(key)[1] \
                if key in (getattr(system, "_key_locs", None) or {}) else None
            edits.setdefault(system.location[0], []).append((line, key_line, key, body))
    for shown in sorted(edits):
        path = root / shown
        text = path.read_text(encoding="utf-8")
        # bottom-up, additions (at an item's end) before replacements: lines above stay valid
        for line, key_line, key, body in sorted(
                edits[shown], key=lambda e: (e[0], e[1] is None, e[1] or 0), reverse=True):
            try:
                text = writer.edit_block(text, line, key, body, key_line)
            except InputError as exc:
                raise InputError(exc.message, shown, exc.line, exc.column) from None
        plan.add(path, text, f"terraform {', '.join(str(s) for s in sources)}", edit=True)
    return plan


def _blocks(system, resources, project, plan):
    countries = sorted({r.country for r in resources if r.country})
    if countries:
        hosting = system.hosting.model_dump(exclude_unset=True) if system.hosting else {}
        if "provider" not in hosting:
            provider = _cloud_processor(project, resources)
            if provider is None:
                plan.unmapped.append(f"system {system.id}: no processor of inventory/ for "
                                     f"{'/'.join(sorted({r.cloud for r in resources}))}; "
                                     "add it, then import again to record its hosting")
                countries = []
            else:
                hosting = {"provider": provider, **hosting}
        if countries:
            hosting["countries"] = sorted(set(hosting.get("countries", [])) | set(countries))
            yield "hosting", hosting
    known = [r.encrypted for r in resources if r.encrypted is not None]
    if known:
        security = system.security.model_dump(exclude_unset=True, exclude_none=True)
        security["encryption_at_rest"] = all(known)
        yield "security", _ordered(security)


def _ordered(block: dict) -> dict:
    order = ("encryption_at_rest", "encryption_in_transit", "audit_log", "backups")
    return {k: block[k] for k in sorted(block, key=lambda k: order.index(k)
                                        if k in order else len(order))}


def _cloud_processor(project, resources) -> str | None:
    clouds = {r.cloud for r in resources}
    if len(clouds) != 1:
        return None
    words = CLOUD_PROCESSORS[clouds.pop()]
    for processor in project.inventory.processors:
        text = f"{processor.id} {processor.name or ''}".lower()
        if any(word in text for word in words):
            return processor.id
    return None
