
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/store/audit.cc" "CMakeFiles/evenhand_store.dir/src/store/audit.cc.o" "gcc" "CMakeFiles/evenhand_store.dir/src/store/audit.cc.o.d"
  "/work/main/src/store/sha256.cc" "CMakeFiles/evenhand_store.dir/src/store/sha256.cc.o" "gcc" "CMakeFiles/evenhand_store.dir/src/store/sha256.cc.o.d"
  "/work/main/src/store/sqlite/sqlite_store.cc" "CMakeFiles/evenhand_store.dir/src/store/sqlite/sqlite_store.cc.o" "gcc" "CMakeFiles/evenhand_store.dir/src/store/sqlite/sqlite_store.cc.o.d"
  "/work/main/src/store/store.cc" "CMakeFiles/evenhand_store.dir/src/store/store.cc.o" "gcc" "CMakeFiles/evenhand_store.dir/src/store/store.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/evenhand_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
