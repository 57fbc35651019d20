#!/usr/bin/env bash
# Flash bytes of the generated tables per service on thumbv7em-none-eabihf:
# size of a bare binary keeping one service's SERVICE table, minus the same
# binary with no service. Usage: models/size-probe/measure.sh [service...]
# Prints a markdown table. Sections counted: .text + .rodata + .data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target=thumbv7em-none-eabihf
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/../../target/size-probe}"
# The probe links only the tables; skipping typed shapes makes builds quick.
export STRATUS_MODELS_TABLES_ONLY=1
services=("$@")
if [ ${#services[@]} -eq 0 ]; then
  services=(kinesis firehose iot-data iot logs cloudwatch s3 sqs sns dynamodb sts lambda
            timestream-write secretsmanager ssm events ec2 iam sso sso-oidc)
fi
flash() {
  local feats="$1"
  cargo build -q --release -j 1 --manifest-path "$here/Cargo.toml" --target "$target" \
    ${feats:+--features "$feats"} >&2
  llvm-size -A "$CARGO_TARGET_DIR/$target/release/stratus-size-probe" |
    awk '$1==".text"||$1==".rodata"||$1==".data"{s+=$2} END{print s}'
}
base=$(STRATUS_KEEP_OPERATIONS= flash "")
echo "| service | operations kept | flash bytes |"
echo "|---|---|---|"
for s in "${services[@]}"; do
  n=$(STRATUS_KEEP_OPERATIONS= flash "stratus-models/$s")
  echo "| $s | all | $((n - base)) |"
done
n=$(STRATUS_KEEP_OPERATIONS="kinesis=PutRecord,PutRecords" flash "stratus-models/kinesis")
echo "| kinesis | PutRecord, PutRecords | $((n - base)) |"
echo "(baseline binary without tables: $base bytes)"
