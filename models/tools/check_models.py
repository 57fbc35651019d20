#!/usr/bin/env python3
"""Checks models/data against the pinned wheels, independently of the importer.

For every service, botocore's own loader (pointed at the botocore/data folder
unpacked from the pinned wheel, not at the installed package's data) picks the
newest API version and loads each model with its sdk-extras merged; this script
then removes the prose keys by its own explicit list of places, and requires the
committed file to be equal to the result, key order included. boto3's
resources-1 models and the shared files are checked the same way. It also
checks MANIFEST.json (versions, wheel sha256, API versions, file lists, merged
extras), that no file is missing or extra, and lists every prose-named key that
was kept because it is a name (a member called `documentationUrl`, say).

Usage: python3 models/tools/check_models.py [--wheels DIR] [--data DIR]
(run `cargo xtask import-models` first; it fetches the wheels).
Exit status 0 only if every check passed.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICE_TYPES = ["service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1"]
SHARED = ["partitions", "_retry", "sdk-default-configuration"]
PROSE = ("documentation", "documentationUrl", "deprecatedMessage")


def pop_prose(obj, keys=PROSE):
    if isinstance(obj, dict):
        for key in keys:
            obj.pop(key, None)


def strip_service(model):
    pop_prose(model)
    for op in model.get("operations", {}).values():
        pop_prose(op)
        refs = [op.get("input"), op.get("output")] + list(op.get("errors", []))
        for ref in refs:
            pop_prose(ref)
    for shape in model.get("shapes", {}).values():
        pop_prose(shape)
        for member in shape.get("members", {}).values():
            pop_prose(member)
        for key in ("member", "key", "value"):
            pop_prose(shape.get(key))
    for param in model.get("clientContextParams", {}).values():
        pop_prose(param)


def strip_rules(rules):
    for rule in rules:
        pop_prose(rule, ("documentation",))
        if rule.get("type") == "tree":
            strip_rules(rule.get("rules", []))


def strip_rule_set(model):
    pop_prose(model, ("documentation",))
    for param in model.get("parameters", {}).values():
        pop_prose(param, ("documentation",))
    strip_rules(model.get("rules", []))


def strip_waiters(model):
    for waiter in model.get("waiters", {}).values():
        pop_prose(waiter, ("description", "documentation"))


def strip_paginators(model):
    for paginator in model.get("pagination", {}).values():
        pop_prose(paginator, ("documentation",))


def strip_defaults(model):
    pop_prose(model, ("documentation",))


STRIPPERS = {
    "service-2": strip_service,
    "endpoint-rule-set-1": strip_rule_set,
    "waiters-2": strip_waiters,
    "paginators-1": strip_paginators,
    "sdk-default-configuration": strip_defaults,
    "resources-1": lambda model: None,
    "partitions": lambda model: None,
    "_retry": lambda model: None,
}

# Where a prose-named key may legitimately remain: as a key of one of these maps.
NAME_MAPS = {
    "operations", "shapes", "members", "clientContextParams", "staticContextParams",
    "operationContextParams", "parameters", "waiters", "pagination", "modes",
    "properties", "headers", "regions",
}


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(wheel, prefix, dest):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(prefix) and not name.endswith("/"):
                archive.extract(name, dest)
    return os.path.join(dest, prefix)


def load_output(data_dir, relative):
    path = os.path.join(data_dir, relative)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def same(expected, actual):
    # json.dumps keeps insertion order, so this also compares key order.
    return json.dumps(expected) == json.dumps(actual)


def kept_prose_names(value, parent_key, path, out):
    if isinstance(value, dict):
        for key, child in value.items():
            if key in PROSE or key == "description":
                out.append((path + "/" + key, parent_key in NAME_MAPS))
            kept_prose_names(child, key, path + "/" + key, out)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            kept_prose_names(child, parent_key, "%s[%d]" % (path, i), out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", default=os.path.join(ROOT, ".cache", "wheels"))
    parser.add_argument("--data", default=os.path.join(ROOT, "models", "data"))
    args = parser.parse_args()
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    import botocore
    from botocore.exceptions import DataNotFoundError, UnknownServiceError
    from botocore.loaders import Loader

    report = Report()
    manifest = load_output(args.data, "MANIFEST.json")
    if manifest is None:
        print("no MANIFEST.json in %s: run `cargo xtask import-models`" % args.data)
        return 1
    packages = manifest["packages"]
    report.check(botocore.__version__ == packages["botocore"]["version"],
                 "installed botocore %s is not the manifest's %s (the loader used as oracle must match)"
                 % (botocore.__version__, packages["botocore"]["version"]))
    wheels = {}
    for name, pkg in packages.items():
        path = os.path.join(args.wheels, pkg["wheel"])
        if not os.path.isfile(path):
            print("missing %s: run `cargo xtask import-models` to fetch it" % path)
            return 1
        report.check(sha256(path) == pkg["sha256"], "%s sha256 differs from MANIFEST.json" % pkg["wheel"])
        report.check(pkg["wheel"].startswith("%s-%s-" % (name, pkg["version"])),
                     "%s wheel name %s does not carry version %s" % (name, pkg["wheel"], pkg["version"]))
        wheels[name] = path

    expected_files = {"MANIFEST.json"}
    kept = []
    with tempfile.TemporaryDirectory() as tmp:
        bc_data = unpack(wheels["botocore"], "botocore/data/", tmp)
        b3_data = unpack(wheels["boto3"], "boto3/data/", tmp)
        loader = Loader(extra_search_paths=[bc_data], include_default_search_paths=False)
        services = loader.list_available_services("service-2")
        report.check(sorted(services) == sorted(k for k, v in manifest["services"].items() if "api_version" in v),
                     "the set of services differs from MANIFEST.json")
        report.check(manifest["service_count"] == len(manifest["services"]), "service_count is wrong")

        for service in services:
            record = manifest["services"].get(service, {})
            version = loader.determine_latest_version(service, "service-2")
            report.check(record.get("api_version") == version,
                         "%s: manifest api_version %s, botocore picks %s" % (service, record.get("api_version"), version))
            files, merged = [], []
            for type_name in SERVICE_TYPES:
                relative = "%s/%s.json" % (service, type_name)
                actual = load_output(args.data, relative)
                try:
                    model = loader.load_service_model(service, type_name, version)
                except (DataNotFoundError, UnknownServiceError):
                    report.check(actual is None, "%s exists but botocore has no such model" % relative)
                    continue
                files.append(type_name + ".json")
                expected_files.add(relative)
                extras = os.path.join(bc_data, service, version, type_name + ".sdk-extras.json")
                if os.path.isfile(extras) or os.path.isfile(extras + ".gz"):
                    merged.append(type_name)
                STRIPPERS[type_name](model)
                report.check(actual is not None and same(model, actual),
                             "%s differs from botocore's model minus prose" % relative)
                if actual is not None:
                    kept_prose_names(actual, None, relative, kept)
            report.check(record.get("files", [])[: len(files)] == files, "%s: manifest files %s, expected %s"
                         % (service, record.get("files"), files))
            report.check(record.get("sdk_extras_merged", []) == merged,
                         "%s: manifest sdk_extras_merged %s, expected %s" % (service, record.get("sdk_extras_merged"), merged))

        resource_loader = Loader(extra_search_paths=[b3_data], include_default_search_paths=False)
        for service in resource_loader.list_available_services("resources-1"):
            relative = "%s/resources-1.json" % service
            version = resource_loader.determine_latest_version(service, "resources-1")
            record = manifest["services"].get(service, {})
            report.check(record.get("resources_api_version") == version,
                         "%s: manifest resources_api_version %s, boto3 picks %s"
                         % (service, record.get("resources_api_version"), version))
            report.check("resources-1.json" in record.get("files", []), "%s: resources-1.json not in manifest files" % service)
            model = resource_loader.load_service_model(service, "resources-1", version)
            actual = load_output(args.data, relative)
            expected_files.add(relative)
            report.check(actual is not None and same(model, actual), "%s differs from boto3's model" % relative)

        for stem in SHARED:
            relative = stem + ".json"
            model = loader.load_data(stem)
            STRIPPERS[stem](model)
            actual = load_output(args.data, relative)
            expected_files.add(relative)
            report.check(actual is not None and same(model, actual), "%s differs from botocore's minus prose" % relative)
            if actual is not None:
                kept_prose_names(actual, None, relative, kept)
        report.check(manifest["shared"] == [s + ".json" for s in SHARED], "manifest shared list is wrong")

    on_disk = set()
    for dirpath, _, filenames in os.walk(args.data):
        for name in filenames:
            on_disk.add(os.path.relpath(os.path.join(dirpath, name), args.data).replace(os.sep, "/"))
    report.check(on_disk == expected_files, "files missing: %s; extra: %s"
                 % (sorted(expected_files - on_disk)[:10], sorted(on_disk - expected_files)[:10]))

    as_names = [path for path, is_name in kept if is_name]
    misplaced = [path for path, is_name in kept if not is_name]
    # A prose key left outside a name map means stripping missed a place; but a
    # waiter acceptor or partition region may have a legitimate `description`
    # (region display names are kept on purpose).
    allowed = [p for p in misplaced if p.startswith("partitions.json/") and p.endswith("/description")]
    for path in misplaced:
        report.check(path in allowed, "prose key left in a schema position: %s" % path)

    total_bytes = sum(os.path.getsize(os.path.join(args.data, f)) for f in on_disk)
    print("services: %d (botocore %s), boto3 resource models: %d, files: %d, bytes: %d"
          % (len(services), packages["botocore"]["version"],
             sum(1 for v in manifest["services"].values() if "resources_api_version" in v),
             len(on_disk), total_bytes))
    print("prose-named keys kept because they are names: %d (e.g. %s)" % (len(as_names), ", ".join(sorted(as_names, key=lambda p: ("documentationUrl" not in p, p))[:3])))
    print("region descriptions kept as facts: %d" % len(allowed))
    print("skipped: none")
    for what in report.failed[:50]:
        print("FAILED: " + what)
    if len(report.failed) > 50:
        print("FAILED: ... and %d more" % (len(report.failed) - 50))
    print("%d passed, %d failed" % (report.passed, len(report.failed)))
    return 0 if not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
