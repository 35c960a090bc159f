fileinto "Trash";
