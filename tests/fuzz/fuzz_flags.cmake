# Compiler flags for a libFuzzer build (-DCDS_FUZZ=ON), included from the top-level
# CMakeLists.txt before any library is defined so that every project library is built
# with coverage instrumentation and the sanitizers the fuzz targets link:
#   libraries and tests: -fsanitize=fuzzer-no-link,address,undefined
#   fuzz targets:        -fsanitize=fuzzer,address,undefined (tests/fuzz/CMakeLists.txt)
# libFuzzer ships with clang only (Debian: clang-14 and libclang-rt-14-dev).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CDS_FUZZ=ON needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
if(CDS_SANITIZE)
  message(FATAL_ERROR "CDS_FUZZ=ON already builds with address,undefined; leave CDS_SANITIZE empty")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -Wno-unknown-warning-option
                    -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/ubsan_ignorelist.txt)
add_link_options(-fsanitize=address,undefined)
