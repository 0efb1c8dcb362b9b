#!/usr/bin/env bash
# Batch files (src/llm/batch.c) through build/tools/batchtool, checked by
# batch_check.py against the documented OpenAI, vLLM and Anthropic formats:
# request lines, file splitting, result files with errors, duplicates and
# foreign ids.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/batchtool

if [ ! -x "$driver" ]; then
	not_ok "no driver at $driver (make tests builds it)"
	finish
	exit
fi
mkdir -p "$TMP/batch"
python_check "$here/batch_check.py" "$driver" "$TMP/batch"
finish
