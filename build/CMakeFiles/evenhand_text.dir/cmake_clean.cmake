file(REMOVE_RECURSE
  "CMakeFiles/evenhand_text.dir/src/text/langid.cc.o"
  "CMakeFiles/evenhand_text.dir/src/text/langid.cc.o.d"
  "CMakeFiles/evenhand_text.dir/src/text/matcher.cc.o"
  "CMakeFiles/evenhand_text.dir/src/text/matcher.cc.o.d"
  "CMakeFiles/evenhand_text.dir/src/text/normalizer.cc.o"
  "CMakeFiles/evenhand_text.dir/src/text/normalizer.cc.o.d"
  "CMakeFiles/evenhand_text.dir/src/text/term_list.cc.o"
  "CMakeFiles/evenhand_text.dir/src/text/term_list.cc.o.d"
  "CMakeFiles/evenhand_text.dir/src/text/utf8.cc.o"
  "CMakeFiles/evenhand_text.dir/src/text/utf8.cc.o.d"
  "libevenhand_text.a"
  "libevenhand_text.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/evenhand_text.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
