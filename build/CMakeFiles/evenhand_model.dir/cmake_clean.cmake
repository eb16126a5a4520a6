file(REMOVE_RECURSE
  "CMakeFiles/evenhand_model.dir/src/model/action.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/action.cc.o.d"
  "CMakeFiles/evenhand_model.dir/src/model/category.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/category.cc.o.d"
  "CMakeFiles/evenhand_model.dir/src/model/json_write.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/json_write.cc.o.d"
  "CMakeFiles/evenhand_model.dir/src/model/jsonl_reader.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/jsonl_reader.cc.o.d"
  "CMakeFiles/evenhand_model.dir/src/model/status.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/status.cc.o.d"
  "CMakeFiles/evenhand_model.dir/src/model/time.cc.o"
  "CMakeFiles/evenhand_model.dir/src/model/time.cc.o.d"
  "libevenhand_model.a"
  "libevenhand_model.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand_model.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
