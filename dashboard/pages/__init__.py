"""One page per module: its layout and its callbacks. Ids are prefixed by page."""
