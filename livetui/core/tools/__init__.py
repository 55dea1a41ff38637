"""Function calling: the functions a user declares (`spec`), what becomes of each call
the model makes (`card`). Loading a declarations file, running a declared command and
answering calls live beside them."""
