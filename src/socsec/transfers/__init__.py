"""The employee pension relation moved between regions: requested, checked and issued by the sending side,
checked and credited by the receiving side (see ``documents`` for the document and the interface)."""
