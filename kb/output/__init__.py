"""The output folder: written whole into a staging folder and swapped in (`folder`), one build at a
time (`locks`), and the paths of the site checked before anything is written (`collisions`)."""
