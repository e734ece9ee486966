using System.CommandLine;
using Paperboy.Private;

namespace Paperboy.Cli;

/// <summary>
/// <c>paperboy read-pdf</c>, hidden: the child process that reads an uploaded PDF for the site (<see cref="PdfReaderProcess"/>),
/// the PDF on standard input, a JSON answer on standard output. It opens no database and reads no settings.
/// </summary>
static class ReadPdfCommand
{
    public static Command Build()
    {
        var command = new Command(PdfReaderProcess.Command, "Read a PDF from standard input for the site (used by the site itself)") { Hidden = true };
        command.SetAction(async (_, ct) =>
        {
            await using var input = Console.OpenStandardInput();
            await using var output = Console.OpenStandardOutput();
            return await PdfReaderProcess.ServeAsync(input, output, ct);
        });
        return command;
    }
}
