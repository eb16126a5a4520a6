
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/text/langid.cc" "CMakeFiles/evenhand_text.dir/src/text/langid.cc.o" "gcc" "CMakeFiles/evenhand_text.dir/src/text/langid.cc.o.d"
  "/work/main/src/text/matcher.cc" "CMakeFiles/evenhand_text.dir/src/text/matcher.cc.o" "gcc" "CMakeFiles/evenhand_text.dir/src/text/matcher.cc.o.d"
  "/work/main/src/text/normalizer.cc" "CMakeFiles/evenhand_text.dir/src/text/normalizer.cc.o" "gcc" "CMakeFiles/evenhand_text.dir/src/text/normalizer.cc.o.d"
  "/work/main/src/text/term_list.cc" "CMakeFiles/evenhand_text.dir/src/text/term_list.cc.o" "gcc" "CMakeFiles/evenhand_text.dir/src/text/term_list.cc.o.d"
  "/work/main/src/text/utf8.cc" "CMakeFiles/evenhand_text.dir/src/text/utf8.cc.o" "gcc" "CMakeFiles/evenhand_text.dir/src/text/utf8.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/evenhand_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
