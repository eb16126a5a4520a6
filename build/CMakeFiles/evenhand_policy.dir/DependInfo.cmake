
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/policy/expr.cc" "CMakeFiles/evenhand_policy.dir/src/policy/expr.cc.o" "gcc" "CMakeFiles/evenhand_policy.dir/src/policy/expr.cc.o.d"
  "/work/main/src/policy/lexer.cc" "CMakeFiles/evenhand_policy.dir/src/policy/lexer.cc.o" "gcc" "CMakeFiles/evenhand_policy.dir/src/policy/lexer.cc.o.d"
  "/work/main/src/policy/loader.cc" "CMakeFiles/evenhand_policy.dir/src/policy/loader.cc.o" "gcc" "CMakeFiles/evenhand_policy.dir/src/policy/loader.cc.o.d"
  "/work/main/src/policy/policy.cc" "CMakeFiles/evenhand_policy.dir/src/policy/policy.cc.o" "gcc" "CMakeFiles/evenhand_policy.dir/src/policy/policy.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/evenhand_text.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
