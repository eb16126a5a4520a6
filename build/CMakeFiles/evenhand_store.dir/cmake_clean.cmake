file(REMOVE_RECURSE
  "CMakeFiles/evenhand_store.dir/src/store/audit.cc.o"
  "CMakeFiles/evenhand_store.dir/src/store/audit.cc.o.d"
  "CMakeFiles/evenhand_store.dir/src/store/sha256.cc.o"
  "CMakeFiles/evenhand_store.dir/src/store/sha256.cc.o.d"
  "CMakeFiles/evenhand_store.dir/src/store/sqlite/sqlite_store.cc.o"
  "CMakeFiles/evenhand_store.dir/src/store/sqlite/sqlite_store.cc.o.d"
  "CMakeFiles/evenhand_store.dir/src/store/store.cc.o"
  "CMakeFiles/evenhand_store.dir/src/store/store.cc.o.d"
  "libevenhand_store.a"
  "libevenhand_store.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand_store.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
