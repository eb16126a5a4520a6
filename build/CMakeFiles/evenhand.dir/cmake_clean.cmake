file(REMOVE_RECURSE
  "CMakeFiles/evenhand.dir/src/cli/cmd_audit.cc.o"
  "CMakeFiles/evenhand.dir/src/cli/cmd_audit.cc.o.d"
  "CMakeFiles/evenhand.dir/src/cli/cmd_policy.cc.o"
  "CMakeFiles/evenhand.dir/src/cli/cmd_policy.cc.o.d"
  "CMakeFiles/evenhand.dir/src/cli/cmd_scan.cc.o"
  "CMakeFiles/evenhand.dir/src/cli/cmd_scan.cc.o.d"
  "CMakeFiles/evenhand.dir/src/cli/main.cc.o"
  "CMakeFiles/evenhand.dir/src/cli/main.cc.o.d"
  "bin/evenhand"
  "bin/evenhand.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
