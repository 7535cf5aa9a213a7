def source_list(r): pass
overview = source_detail = reading_new = check_new = source_list
