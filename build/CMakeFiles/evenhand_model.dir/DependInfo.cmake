
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/model/action.cc" "CMakeFiles/evenhand_model.dir/src/model/action.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/action.cc.o.d"
  "/work/main/src/model/category.cc" "CMakeFiles/evenhand_model.dir/src/model/category.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/category.cc.o.d"
  "/work/main/src/model/json_write.cc" "CMakeFiles/evenhand_model.dir/src/model/json_write.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/json_write.cc.o.d"
  "/work/main/src/model/jsonl_reader.cc" "CMakeFiles/evenhand_model.dir/src/model/jsonl_reader.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/jsonl_reader.cc.o.d"
  "/work/main/src/model/status.cc" "CMakeFiles/evenhand_model.dir/src/model/status.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/status.cc.o.d"
  "/work/main/src/model/time.cc" "CMakeFiles/evenhand_model.dir/src/model/time.cc.o" "gcc" "CMakeFiles/evenhand_model.dir/src/model/time.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
