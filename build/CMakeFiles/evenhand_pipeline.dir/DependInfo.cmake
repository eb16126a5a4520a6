
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/pipeline/pipeline.cc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/pipeline.cc.o" "gcc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/pipeline.cc.o.d"
  "/work/main/src/pipeline/progress.cc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/progress.cc.o" "gcc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/progress.cc.o.d"
  "/work/main/src/pipeline/scanner.cc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/scanner.cc.o" "gcc" "CMakeFiles/evenhand_pipeline.dir/src/pipeline/scanner.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/evenhand_policy.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_store.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_text.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/evenhand_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
