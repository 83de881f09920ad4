// Placeholder entry point until the standalone embedded infrastructure command lands (issue 4).
return 0;
