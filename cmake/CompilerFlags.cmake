# Flags for the clusterby kernels. No -ffast-math: argmin ties, NaN and the clamp at 0 must keep IEEE
# semantics to match the Java reference. -ffp-contract=fast only fuses a*b+c into an FMA.
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()

function(clusterby_apply_flags target)
  set_target_properties(${target} PROPERTIES
    C_STANDARD 11
    C_STANDARD_REQUIRED ON
    C_EXTENSIONS ON                 # GCC vector extensions and attributes
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden      # only CB_API functions are exported
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE
    $<$<C_COMPILER_ID:GNU,Clang>:-O3 -ffp-contract=fast -fno-plt -Wall -Wextra -Wno-unused-parameter
       -Wno-psabi>)                  # 64-byte vector helpers are inlined into target clones, never called across the ABI
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE -Wl,--as-needed -Wl,-z,noexecstack)
  endif()
endfunction()
