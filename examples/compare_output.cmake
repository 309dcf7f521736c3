# Runs PROGRAM ARGUMENT and compares its standard output with the file EXPECTED, byte for byte.
# On a difference it writes the output to ACTUAL, shows a unified diff and fails.
#   cmake -DPROGRAM=... -DARGUMENT=... -DEXPECTED=... -DACTUAL=... -P compare_output.cmake
execute_process(COMMAND ${PROGRAM} ${ARGUMENT}
                OUTPUT_VARIABLE actual ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with status ${status}\n${errors}")
endif()
file(READ ${EXPECTED} expected)
if(NOT "${actual}" STREQUAL "${expected}")
  file(WRITE ${ACTUAL} "${actual}")
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${EXPECTED} ${ACTUAL})
  endif()
  message(FATAL_ERROR "the output differs from ${EXPECTED}\n"
                      "(the whole output is in ${ACTUAL}; if the change is intended, copy it over expected.txt)")
endif()
