# Fails when docs/rules.md differs from what the binary generates from the knowledge.
# Usage: cmake -DBIN=<cds-hooks-server> -DDOC=<docs/rules.md> -P check_rules_doc.cmake
execute_process(COMMAND ${BIN} rules --markdown OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cds-hooks-server rules --markdown failed (${rc})")
endif()
if(NOT EXISTS ${DOC})
  message(FATAL_ERROR "${DOC} is missing: run `cds-hooks-server rules --markdown > docs/rules.md`")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/rules.md is stale: run `build/cds-hooks-server rules --markdown > docs/rules.md`")
endif()
