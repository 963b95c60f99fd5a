#!/usr/bin/env bash
# Real photographs for the verifier's corpus (bench/corpus): the sample images scikit-image ships in its
# wheel. Footage the project did not draw is the point: the checks must be calibrated on real pictures.
# Idempotent: does nothing once every photo is in the cache; the wheel is pinned, so the photos are too.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.26.0
cache=${CUTROOM_CORPUS_SOURCES:-node_modules/.cache/cutroom-corpus/sources}
photos=(astronaut.png chelsea.png coffee.png rocket.jpg motorcycle_left.png brick.png grass.png
  hubble_deep_field.jpg camera.png)

missing=0
for photo in "${photos[@]}"; do [[ -s "$cache/$photo" ]] || missing=1; done
[[ $missing == 0 ]] && exit 0

mkdir -p "$cache/wheel"
# Any platform's wheel holds the same photos; --no-deps keeps this to one download.
python3 -m pip download "scikit-image==$version" --no-deps --only-binary=:all: --quiet -d "$cache/wheel" >&2
wheel=$(ls "$cache"/wheel/scikit_image-"$version"-*.whl | head -n 1)
# A wheel is a zip; the standard library reads it, so no unzip binary is needed.
python3 - "$wheel" "$cache" "${photos[@]}" <<'PY'
import os, sys, zipfile
wheel, cache, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        data = archive.read(f"skimage/data/{name}")
        partial = os.path.join(cache, name + ".part")
        with open(partial, "wb") as out:
            out.write(data)
        os.replace(partial, os.path.join(cache, name))
PY
echo "corpus sources: ${#photos[@]} photos from scikit-image $version in $cache" >&2
