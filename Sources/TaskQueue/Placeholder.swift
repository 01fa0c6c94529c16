enum PlaceholderTaskQueue {}
