CMakeFiles/evenhand_text.dir/src/text/normalizer.cc.o: \
 /work/main/src/text/normalizer.cc /usr/include/stdc-predef.h
