using Segmenter.Silo;

return await SiloProgram.RunAsync(args);
