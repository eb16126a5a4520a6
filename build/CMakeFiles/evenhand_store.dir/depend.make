# Empty dependencies file for evenhand_store.
# This may be replaced when dependencies are built.
