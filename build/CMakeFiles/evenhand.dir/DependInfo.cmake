
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/cli/cmd_audit.cc" "CMakeFiles/evenhand.dir/src/cli/cmd_audit.cc.o" "gcc" "CMakeFiles/evenhand.dir/src/cli/cmd_audit.cc.o.d"
  "/work/main/src/cli/cmd_policy.cc" "CMakeFiles/evenhand.dir/src/cli/cmd_policy.cc.o" "gcc" "CMakeFiles/evenhand.dir/src/cli/cmd_policy.cc.o.d"
  "/work/main/src/cli/cmd_scan.cc" "CMakeFiles/evenhand.dir/src/cli/cmd_scan.cc.o" "gcc" "CMakeFiles/evenhand.dir/src/cli/cmd_scan.cc.o.d"
  "/work/main/src/cli/main.cc" "CMakeFiles/evenhand.dir/src/cli/main.cc.o" "gcc" "CMakeFiles/evenhand.dir/src/cli/main.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/evenhand_pipeline.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_policy.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_text.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_store.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
