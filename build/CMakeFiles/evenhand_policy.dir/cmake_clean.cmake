file(REMOVE_RECURSE
  "CMakeFiles/evenhand_policy.dir/src/policy/expr.cc.o"
  "CMakeFiles/evenhand_policy.dir/src/policy/expr.cc.o.d"
  "CMakeFiles/evenhand_policy.dir/src/policy/lexer.cc.o"
  "CMakeFiles/evenhand_policy.dir/src/policy/lexer.cc.o.d"
  "CMakeFiles/evenhand_policy.dir/src/policy/loader.cc.o"
  "CMakeFiles/evenhand_policy.dir/src/policy/loader.cc.o.d"
  "CMakeFiles/evenhand_policy.dir/src/policy/policy.cc.o"
  "CMakeFiles/evenhand_policy.dir/src/policy/policy.cc.o.d"
  "libevenhand_policy.a"
  "libevenhand_policy.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand_policy.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
