# `npm ci` for the dashboard, run by the build (never by configure).
#
#   cmake -DNPM=<npm> -DDIR=<daemon/dashboard> -P npm_ci.cmake
#
# npm ci deletes and re-creates node_modules, which needs the registry (or npm's cache).
# When node_modules was already installed from this very package-lock.json (the copy
# kept in node_modules/.mmscore-lock.json after a successful install) it is skipped: a
# second build folder, or a machine without network but with node_modules, still builds.
cmake_minimum_required(VERSION 3.25)

# Several build folders may build at once: one install at a time, and no folder decides
# "up to date" halfway through another's install (the lock is released at exit).
file(LOCK "${DIR}/.npm-ci.lock" GUARD PROCESS TIMEOUT 600)

set(lock "${DIR}/package-lock.json")
set(installed "${DIR}/node_modules/.mmscore-lock.json")
if(EXISTS "${installed}")
  file(SHA256 "${lock}" want)
  file(SHA256 "${installed}" have)
  if(want STREQUAL have)
    message(STATUS "dashboard: node_modules is up to date with package-lock.json")
    return()
  endif()
endif()

execute_process(
  COMMAND "${NPM}" ci --no-audit --no-fund --prefer-offline --loglevel=error
  WORKING_DIRECTORY "${DIR}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "dashboard: npm ci failed (${status}). It needs the npm registry or npm's cache; "
                      "configure with -DMMSCORE_DASHBOARD=OFF to build without the dashboard.")
endif()
file(COPY_FILE "${lock}" "${installed}")
