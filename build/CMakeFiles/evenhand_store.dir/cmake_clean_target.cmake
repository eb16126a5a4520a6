file(REMOVE_RECURSE
  "libevenhand_store.a"
)
