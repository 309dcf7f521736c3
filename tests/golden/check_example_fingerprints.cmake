# An example's runs must leave the trace fingerprints recorded in tests/golden/examples/.
#   cmake -DPROGRAM=... -DARGUMENT=... -DEXPECTED=... -DACTUAL=... -P check_example_fingerprints.cmake
file(REMOVE ${ACTUAL})
execute_process(COMMAND ${CMAKE_COMMAND} -E env LVSIM_FINGERPRINTS=${ACTUAL} ${PROGRAM} ${ARGUMENT}
                OUTPUT_QUIET ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with status ${status}\n${errors}")
endif()
file(READ ${EXPECTED} expected)
file(READ ${ACTUAL} actual)
if(NOT "${actual}" STREQUAL "${expected}")
  message(FATAL_ERROR "trace fingerprints differ from ${EXPECTED}:\n${actual}\n"
                      "If the change is intended, run scripts/update-fingerprints.sh and say why in the commit.")
endif()
