//! tree/basket (layer 5): one TBasket: key header, decompression, entry-offset table.
