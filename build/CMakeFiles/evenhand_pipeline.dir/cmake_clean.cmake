file(REMOVE_RECURSE
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/pipeline.cc.o"
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/pipeline.cc.o.d"
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/progress.cc.o"
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/progress.cc.o.d"
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/scanner.cc.o"
  "CMakeFiles/evenhand_pipeline.dir/src/pipeline/scanner.cc.o.d"
  "libevenhand_pipeline.a"
  "libevenhand_pipeline.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand_pipeline.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
