return await Paperboy.Cli.CliApp.RunAsync(args);
