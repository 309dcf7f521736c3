# Installs the lvsim build LVSIM_BUILD_DIR into PREFIX, builds the consumer project
# CONSUMER_SOURCE in CONSUMER_BUILD against it and checks what the consumer prints.
function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${step} failed (status ${status}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${PREFIX} ${CONSUMER_BUILD})
run("cmake --install" ${CMAKE_COMMAND} --install ${LVSIM_BUILD_DIR} --prefix ${PREFIX})

# Only the public headers are installed; the models stay internal.
file(GLOB_RECURSE headers RELATIVE ${PREFIX}/include ${PREFIX}/include/*)
list(SORT headers)
set(public lvsim/core.hpp lvsim/lvsim.hpp lvsim/run.hpp lvsim/scenario.hpp lvsim/scheduler.hpp lvsim/stats.hpp
    lvsim/tables.hpp)
if(NOT headers STREQUAL public)
  message(FATAL_ERROR "installed headers are '${headers}', expected '${public}'")
endif()

set(flags)
if(SANITIZE)
  set(flags -DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
endif()
run("configuring the consumer"
    ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${CONSUMER_BUILD} -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF ${flags})
run("building the consumer" ${CMAKE_COMMAND} --build ${CONSUMER_BUILD})
run("running the consumer" ${CONSUMER_BUILD}/consumer)

file(READ ${CONSUMER_SOURCE}/expected.txt expected)
if(NOT last_output STREQUAL expected)
  message(FATAL_ERROR "the consumer printed:\n${last_output}\nexpected:\n${expected}")
endif()
message(STATUS "the consumer found lvsim in ${PREFIX}, built and ran")
