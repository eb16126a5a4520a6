file(REMOVE_RECURSE
  "libevenhand_pipeline.a"
)
