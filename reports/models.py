"""Reports read other apps' tables; they keep none of their own."""
