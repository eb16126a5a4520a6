# Empty compiler generated dependencies file for evenhand_pipeline.
# This may be replaced when dependencies are built.
