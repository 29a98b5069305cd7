# Source this to use the project's Python and Pulumi engine in a shell:  . scripts/env.sh
_mgs_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
export PATH="$_mgs_root/.venv/bin:$_mgs_root/tools/pulumi/bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
unset _mgs_root
