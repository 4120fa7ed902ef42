using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AspNetSample.Pages;

public class IndexModel : PageModel
{
    public void OnGet()
    {

    }
}
