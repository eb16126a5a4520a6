CMakeFiles/evenhand_text.dir/src/text/matcher.cc.o: \
 /work/main/src/text/matcher.cc /usr/include/stdc-predef.h
