"""`import mailgun_setup` in a user's program loads no HTTP, DNS or cloud SDK, nor our command line:
those load where they are used (the provider process, the CLI). The benchmark times the import; this
keeps the rule itself, so a module-level import that pulls one in fails here, not at the next bench."""
from bench.import_time import heavy_modules_loaded


def test_importing_the_library_loads_no_heavy_module():
    assert heavy_modules_loaded() == []
