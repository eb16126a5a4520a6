CMakeFiles/evenhand_text.dir/src/text/langid.cc.o: \
 /work/main/src/text/langid.cc /usr/include/stdc-predef.h
