"""Generate a large synthetic project for the scale benchmark (SPEC §11).

    python benchmarks/generate.py OUT_DIR [--scale 1.0] [--flows N] [--style block|block4|flow|json]

Scale 1.0 gives 10,000 systems, 2,000 processors and 100,000 flows (about 26 MB of YAML),
split over several files like a real inventory folder. The policy is this repository's own
(3DTech Oy), so the full rule pack has real vocabulary to check against; the inventory uses
its ids, with a deterministic share of mistakes so the rules have findings to report.

Styles (the same data each time, so reports compare byte for byte): `block` (PyYAML's
block style), `block4` (the same with 4-space indentation, as another writer lays it out:
the loader's whole-file check of PyYAML's layout declines it, so it takes the line scan
that hand-written block files take), `flow` (one `{id: ..., from: ..., to: ...}` object per line under a block
key, as export scripts write it) and `json` (one JSON document per file, one object per
line; JSON is valid YAML, and the files keep the `.yaml` suffix the loader looks for).
`--errors N` adds N purposes with an unknown key to the policy: a project that must be
refused, to time how fast errors come.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES_EEA = ["FI", "SE", "DE", "IE", "NL", "FR"]
COUNTRIES_OTHER = ["US", "GB", "CH", "IN", "JP", "CA"]
MECHANISMS = ["dpf", "scc", "adequacy", "bcr", None]


def policy_vocabulary(policy_dir: Path) -> dict:
    vocab = {"purposes": [], "data_categories": [], "data_subjects": [], "registers": [],
             "recipients": []}
    for path in sorted(policy_dir.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text()) or {}
        for key in vocab:
            vocab[key] += [item["id"] for item in data.get(key) or [] if "id" in item]
    for key, default in (("purposes", "customer_relationship"),
                         ("data_categories", "contact_details"),
                         ("data_subjects", "customer_contacts"), ("registers", "customers"),
                         ("recipients", "newsletter_service")):
        vocab[key] = vocab[key] or [default]
    return vocab


def principals(rng) -> list[dict]:
    out = [{"id": f"team-{i}", "name": f"Team {i}", "kind": "employee_group"} for i in range(50)]
    out += [{"id": f"ext-{i}", "name": f"Contractor {i}", "kind": "external",
             "processor": f"proc-{i}"} for i in range(20)]
    return out


def system(i, rng, vocab, n_processors) -> dict:
    outside = rng.random() < 0.1
    return {
        "id": f"sys-{i}",
        "name": f"System {i}",
        "owner": f"Team {i % 50}",
        "register": rng.choice(vocab["registers"]),
        "purposes": rng.sample(vocab["purposes"], k=min(2, len(vocab["purposes"]))),
        "data_subjects": [rng.choice(vocab["data_subjects"])],
        "data_categories": rng.sample(vocab["data_categories"],
                                      k=min(2, len(vocab["data_categories"]))),
        "hosting": {"provider": f"proc-{i % n_processors}",
                    "countries": [rng.choice(COUNTRIES_OTHER if outside else COUNTRIES_EEA)]},
        "access": {"authentication": ["password", "mfa"] if rng.random() < 0.8 else ["password"],
                   "public": rng.random() < 0.01,
                   "grants": [{"principal": f"team-{rng.randrange(50)}", "scope": "full"},
                              {"principal": f"ext-{rng.randrange(20)}",
                               "scope": rng.choice(["partial", "read", "full"])}]},
        "rights": {r: {"supported": rng.random() < 0.9} for r in
                   ("access", "rectification", "erasure", "restriction")},
        "retention": {"period": rng.choice(["P1Y", "P3Y", "P6Y"]),
                      "enforced": rng.choice(["automatic", "manual", "none"])},
        "security": {"encryption_at_rest": rng.random() < 0.9,
                     "encryption_in_transit": rng.random() < 0.95, "audit_log": True,
                     "backups": {"countries": [rng.choice(COUNTRIES_EEA)], "retention": "P30D"}},
    }


def processor(i, rng, vocab) -> dict:
    outside = rng.random() < 0.2
    countries = [rng.choice(COUNTRIES_OTHER if outside else COUNTRIES_EEA)]
    mechanism = rng.choice(MECHANISMS) if outside else None
    out = {
        "id": f"proc-{i}",
        "name": f"Vendor {i}",
        "role": "processor",
        "countries": countries,
        "recipient": rng.choice(vocab["recipients"]),
        "dpa": {"signed": "2024-01-01" if rng.random() < 0.95 else None,
                "reference": f"DPA-{i}"},
        "purposes": [rng.choice(vocab["purposes"])],
        "data_categories": [rng.choice(vocab["data_categories"])],
    }
    if mechanism:
        out["transfer"] = {"mechanism": mechanism, "tia": rng.random() < 0.7,
                           "dpf_certified": mechanism == "dpf" and rng.random() < 0.9}
    if i % 10 == 0 and i + 1 < 2000:
        out["sub_processors"] = [f"proc-{i + 1}"]
    return out


def flow(i, rng, vocab, n_systems, n_processors) -> dict:
    src = f"sys-{rng.randrange(n_systems)}"
    dst = f"proc-{rng.randrange(n_processors)}" if rng.random() < 0.3 else \
        f"sys-{rng.randrange(n_systems)}"
    return {
        "id": f"flow-{i}", "from": src, "to": dst,
        "data_subjects": [rng.choice(vocab["data_subjects"])],
        "data_categories": [rng.choice(vocab["data_categories"])],
        "purpose": rng.choice(vocab["purposes"]),
        "encrypted": rng.random() < 0.95,
        "propagates": ["erasure", "rectification", "objection"] if rng.random() < 0.8
        else ["erasure"],
    }


# `block4`: block style as another writer lays it out (4-space indentation), which the
# loader's check of PyYAML's default layout declines, so it measures the line-scan path
# that hand-written and other tools' block files take.
STYLES = ("block", "block4", "flow", "json")


def dump(path: Path, data: dict, style: str = "block") -> None:
    """Write `{key: [items]}` in `style`."""
    # CSafeDumper: the generator is not what is measured, but it should not take minutes.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    if style in ("block", "block4"):
        path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False, width=120,
                                  indent=4 if style == "block4" else None))
        return
    (key, items), = data.items()
    if style == "json":
        lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
        path.write_text(f'{{"{key}": [\n{lines}\n]}}\n')
        return
    rows = "".join("- " + yaml.dump(item, Dumper=dumper, sort_keys=False, width=1 << 30,
                                    default_flow_style=True, allow_unicode=True)
                   for item in items)
    path.write_text(f"{key}:\n{rows}")


def add_errors(policy: Path, count: int) -> None:
    """Append `count` purposes with an unknown key to the policy (each one an error)."""
    path = policy / "processing.yaml"
    data = yaml.safe_load(path.read_text())
    bad = "".join(f"  - id: bench_bad_{i}\n    name: Bad {i}\n    no_such_key_{i}: 1\n"
                  for i in range(count))
    text = path.read_text()
    if "purposes" not in data:
        raise SystemExit(f"{path} has no purposes list to add errors to")
    path.write_text(text.replace("purposes:\n", "purposes:\n" + bad, 1))


def generate(out: Path, scale: float = 1.0, seed: int = 20261125, policy: Path = ROOT / "policy",
             flows: int | None = None, style: str = "block", errors: int = 0) -> Path:
    rng = random.Random(seed)
    n_systems, n_processors, n_flows = (max(1, int(n * scale)) for n in (10_000, 2_000, 100_000))
    n_processors = max(n_processors, 20)
    if flows is not None:
        n_flows = flows
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(policy, out / "policy")
    vocab = policy_vocabulary(out / "policy")
    if errors:
        add_errors(out / "policy", errors)
    inv = out / "inventory"
    inv.mkdir(parents=True)
    dump(inv / "principals.yaml", {"principals": principals(rng)}, style)
    dump(inv / "processors.yaml", {"processors": [processor(i, rng, vocab)
                                                  for i in range(n_processors)]}, style)
    for part in range(4):
        chunk = range(part * n_systems // 4, (part + 1) * n_systems // 4)
        dump(inv / f"systems-{part}.yaml", {"systems": [system(i, rng, vocab, n_processors) for i in chunk]}, style)
    for part in range(10):
        chunk = range(part * n_flows // 10, (part + 1) * n_flows // 10)
        dump(inv / f"flows-{part}.yaml", {"flows": [flow(i, rng, vocab, n_systems, n_processors)
                                                    for i in chunk]}, style)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--flows", type=int, help="number of flows (default: 100,000 x scale)")
    parser.add_argument("--style", choices=STYLES, default="block")
    parser.add_argument("--errors", type=int, default=0, help="policy errors to add")
    parser.add_argument("--policy", type=Path, default=ROOT / "policy",
                        help="the policy/ folder to use (default: this repository's)")
    args = parser.parse_args()
    out = generate(args.out, args.scale, policy=args.policy, flows=args.flows,
                   style=args.style, errors=args.errors)
    size = sum(p.stat().st_size for p in out.rglob("*.yaml"))
    print(f"{out}: {size / 1e6:.1f} MB of YAML")


if __name__ == "__main__":
    main()
